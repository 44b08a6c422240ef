"""Password hashing (argon2id) and the password policy."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# zxcvbn's list of the 30,000 most common passwords, plus Dutch ones it does not know.
_COMMON = frozenset(FREQUENCY_LISTS["passwords"]) | {
    "wachtwoord", "wachtwoord1", "wachtwoord123", "welkom", "welkom01", "welkom123", "geheim",
    "dordrecht", "drechtsteden", "zomer2024", "winter2024", "voorjaar2025", "wachtwoord2025",
}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["PASSWORD_HASH_TIME_COST"], memory_cost=cfg["PASSWORD_HASH_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the account does not exist, so both paths take as long.
_DUMMY: dict[tuple[int, int], str] = {}


def verify_dummy(password: str) -> None:
    key = (current_app.config["PASSWORD_HASH_TIME_COST"], current_app.config["PASSWORD_HASH_MEMORY_COST"])
    if key not in _DUMMY:
        _DUMMY[key] = hash_password("not-a-real-password-0192")
    verify_password(_DUMMY[key], password)


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Reasons the password is refused; empty when it is acceptable."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("Kies een wachtwoord van minstens %(n)s tekens.", n=minimum))
        return problems
    if len(password) > 200:
        problems.append(_("Kies een wachtwoord van hoogstens 200 tekens."))
        return problems
    lowered = password.lower()
    if lowered in _COMMON or lowered.rstrip("0123456789!") in _COMMON:
        problems.append(_("Dit wachtwoord komt voor in lijsten van veelgebruikte wachtwoorden. Kies een ander."))
        return problems
    user_inputs = [p for p in (email, email.split("@")[0], name) if p]
    if zxcvbn(password[:100], user_inputs=user_inputs)["score"] < 2:
        problems.append(_("Dit wachtwoord is te makkelijk te raden. "
                          "Gebruik bijvoorbeeld een zin van een paar woorden."))
    return problems

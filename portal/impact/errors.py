"""The refusal of the impact package's rules."""
from portal.actions import Refusal


class ImpactError(Refusal):
    """A rule of social value, SROI, Wijk naar Werk or agreements said no (Dutch message)."""

"""Panels that one package shows on another package's page, without importing it.

The organisation home page (partners) and the staff partner detail page show what other packages know
about an organisation (label status, events attended, commitments). A package registers a panel at
import time of its views module:

    @panel("org_home", order=20, template="label/_org_home_panel.html")
    def label_panel(org):
        return {"snapshot": ...}        # the template's context, or None to show nothing

and the page renders ``{% for template, ctx in panels %}{% include template %}{% endfor %}`` with
``panels = render_panels("org_home", org)``.
"""
PLACES = ("org_home", "partner_detail")
_PANELS: dict[str, list] = {place: [] for place in PLACES}


def panel(place: str, *, order: int, template: str):
    if place not in PLACES:
        raise ValueError(f"unknown panel place {place}")

    def decorator(fn):
        key = (fn.__module__, fn.__name__)
        if not any((f.__module__, f.__name__) == key for _, _, f in _PANELS[place]):
            _PANELS[place].append((order, template, fn))
            _PANELS[place].sort(key=lambda item: item[0])
        return fn

    return decorator


def render_panels(place: str, org) -> list[tuple[str, dict]]:
    """(template, context) for every panel that has something to show for ``org``."""
    result = []
    for _order, template, fn in _PANELS[place]:
        context = fn(org)
        if context is not None:
            result.append((template, context))
    return result

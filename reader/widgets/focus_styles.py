"""Styles of a widget with many component classes, kept per focus state.

Textual restyles a widget, every one of its component classes and its scrollbars each time it
gains or loses focus: 3 ms for the post list, 7 ms for the reading pane (its ~25 classes), on
every pane switch, i.e. more than painting the screen. The result only depends on the focus
state as long as nothing else that selectors see changed (classes and pseudo-classes of the
widget and its ancestors, the theme, the style sheet): with all of those in the key, the
second time a state comes back its styles are put back instead of worked out. Both states
are worked out once the first screen is painted (`keep_both_focus_states`), so that the first
pane switch is as quick as the next.
"""

from __future__ import annotations

from typing import Any

from textual.dom import DOMNode
from textual.widget import Widget

_KEPT = 8
"""States kept per widget (two focus states times a few layouts or themes)."""


def _selector_state(widget: Widget) -> tuple[Any, ...]:
    """What selectors can see of `widget` and its ancestors, and the style sheet's identity."""
    app = widget.app
    path: list[Any] = [app.theme, id(app.stylesheet.rules), frozenset(app.get_pseudo_classes())]
    node: DOMNode | None = widget
    while node is not None and node is not app:
        pseudo = node._pseudo_classes_cache_key if isinstance(node, Widget) else ()
        path.append((node._css_type_name, node.id, frozenset(node.classes), pseudo))
        node = node._parent if isinstance(node._parent, DOMNode) else None
    return tuple(path)


class FocusStyleCache(Widget):
    """Mixin, after the widget's Textual base (CSS is inherited along the first bases): restyle
    on a focus change from the styles kept for that state when there are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._styles_by_state: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]] = {}

    def watch_has_focus(self, has_focus: bool) -> None:
        key = _selector_state(self)
        kept = self._styles_by_state.get(key)
        if kept is None:
            super().watch_has_focus(has_focus)  # Textual's restyle, then kept for next time
            if len(self._styles_by_state) >= _KEPT:
                self._styles_by_state.clear()
            rules = dict(self.styles.base.get_rules())
            self._styles_by_state[key] = (rules, dict(self._component_styles))
            return
        rules, components = kept
        base = self.styles.base
        now = base.get_rules()
        # Only the rules the focus changes are set (a tint, a colour): Textual's
        # `replace_rules` sets every one, and each setting asks for a repaint or a layout.
        for name in now.keys() | rules.keys():
            if now.get(name) != rules.get(name):
                setattr(base, name, rules.get(name))
        self.notify_style_update()
        self._component_styles = dict(components)
        self.refresh()

    def keep_both_focus_states(self) -> None:
        """Work out the styles of the focus state the widget is not in, and put its own back
        (no focus moves: only the styles are worked out, and kept)."""
        focused = self.has_focus
        for state in (not focused, focused):
            self.set_reactive(Widget.has_focus, state)
            self.watch_has_focus(state)

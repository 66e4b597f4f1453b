from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_error(
    form: forms.BaseForm, exc: ValidationError, *, field_for: Callable[[str], str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on its fields where they exist, else on top.

    `field_for` maps a service key (e.g. "attributes.city") to the form's field name.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        field = field_for(key) if field_for else key
        form.add_error(field if field in form.fields else None, errors)


def form_bootstrap(form: forms.BaseForm) -> None:
    """Bootstrap's classes on every widget that has none: check boxes, selects, other inputs."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)

"""What every area's forms share."""


def add_error(form, field: str | None, message: str) -> None:
    """Show ``message`` beside the form field named ``field`` (a domain error's ``field``), else at the top."""
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)

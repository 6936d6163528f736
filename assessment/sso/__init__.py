"""Single sign-on with OpenID Connect (issue 21; docs/sso.md): the sign-in through the company's provider
(``views``) and HR's sign-in settings page (``settings``)."""

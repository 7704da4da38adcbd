"""The full-screen app (Textual): the app, its screens and widgets."""

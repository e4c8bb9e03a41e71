"""What the engine's test app declares to the engine (read by engine/site.py's load_hooks)."""

# A field type of the app's own (see field_types.py); the engine resolves the dotted path.
field_types = ["sixhave_test_app.field_types.PHONE"]

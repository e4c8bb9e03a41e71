"""The sixhave engine: metadata-defined documents, knowing nothing of any particular app."""

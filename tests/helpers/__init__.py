"""Test helpers that build real (tiny) models locally, so tests never touch a model hub."""

"""Imports every table module besides accounts so that SQLModel.metadata is complete."""

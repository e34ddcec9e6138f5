"""Template tags of the events app."""

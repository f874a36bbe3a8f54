"""The Qt desktop application. Talks only to ``app.services``."""

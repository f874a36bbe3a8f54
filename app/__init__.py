"""Giveaway Desk: the packing bench for TikTok Shop giveaways and free samples."""

__version__ = "0.1.0"
APP_NAME = "Giveaway Desk"

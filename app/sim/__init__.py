"""Simulated TikTok Shop and Shopify: the demo store and the test peers."""

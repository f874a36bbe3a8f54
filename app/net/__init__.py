"""Connectors to TikTok Shop and Shopify (httpx), with their own exception types."""

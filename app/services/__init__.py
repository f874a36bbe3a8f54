"""The facade the UI and the command line talk to; owns sessions and clients."""

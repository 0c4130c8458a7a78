"""mlbank: keep a machine-learning interview question bank correct and ship it to the apps that use it."""

__version__ = "0.1.0"

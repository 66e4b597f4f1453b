"""Push providers behind the engine's Transport protocol, registered when the app is ready."""

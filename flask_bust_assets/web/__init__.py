"""The Flask side, and the only modules importing Flask: settings, the extension, its runtime, serving."""

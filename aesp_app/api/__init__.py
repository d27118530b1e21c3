"""HTTP routes that are not pages: payment gateway callbacks and audio files. They are mounted
in front of the Reflex app (App.api_transformer), so they share its single port."""

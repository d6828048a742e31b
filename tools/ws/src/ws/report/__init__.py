"""What a run tells people: the console, CI systems, the HTML timeline."""

"""What the daemon offers (Service) and the event bus its views listen on."""

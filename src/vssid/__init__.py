"""vssid: registering an account for electronic transactions with BHXH Việt Nam."""

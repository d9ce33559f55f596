// Filled in by the XMLSecurity work (issue 3).

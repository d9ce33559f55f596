print("samlgate-fcgi: not implemented yet")

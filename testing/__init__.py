"""Local HTTP sites for the tests, the demo and the benchmarks: ``localsite`` serves a static
folder on 127.0.0.1 (the demo site, the test sites), ``faultsite`` a programmable site whose
routes are Python functions (hostile and faulty servers)."""

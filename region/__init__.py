"""A generated region of lycées and the benchmark of the portal's key pages (``make bench``).

An app of its own beside the features: it writes every app's rows (planning, suivi, équipement,
notifications), so the foundation (directory, accounts, outbox, audit) never imports a feature.
"""

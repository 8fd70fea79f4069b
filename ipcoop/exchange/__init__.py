"""The exchange between IP offices: the second pillar of the declaration.

Four Django apps, one per kind of thing the offices exchange: ``practice``
(positions on examination questions), ``updates`` (policy news), ``consultations``
(questions between offices) and ``statistics`` (yearly figures).
"""

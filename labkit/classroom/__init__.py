"""A class: one case per trainee from a roster, graded together into a gradebook and reports.

    roster.csv + secret --HMAC--> a seed per trainee --generate (in parallel)--> ClassFolder
    ClassFolder + submissions/ --grade, policy, collusion check--> gradebook.sqlite --> ClassReport

:mod:`layout` names every path of a class folder, :mod:`outcome` the graded
results every report renders.
"""

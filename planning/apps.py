from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planification"
    # Writes to the planning change the school's "planning" data version (continuite.ecole.dataversions).
    data_versioned = True
    # A calendar feed's token is read by its owner's feed only, which keys on the token itself.
    data_unversioned = ("CalendarFeed",)
    # A student ticks his work done all day long: only his own week shows it.
    data_domains = {"HomeworkDone": "planning_done"}

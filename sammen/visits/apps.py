from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "sammen.visits"
    label = "visits"
    verbose_name = "Besøg og kørelister"

    def ready(self) -> None:
        from sammen.access.policy import care_relation_register
        from sammen.access.writes import after_write_register
        from sammen.core.demo_streams import stream_register
        from sammen.organisation.permissions import Permission
        from sammen.organisation.start import StartPanel, start_panel_register
        from sammen.visits import views
        from sammen.visits.demo import visits_demo_stream
        from sammen.visits.selectors import visit_citizens
        from sammen.visits.services import PLAN_SOURCES, visit_plan_after_write

        # Point 4: a staff member with a visit to the citizen today (within the window)
        # reaches the citizen through the policy's provider hook.
        care_relation_register(visit_citizens)
        # Decisions, follow-ups and status changes regenerate the citizen's visit plan after
        # their commit (the write kernel calls us; care_plans and citizens know nothing of us).
        after_write_register(visit_plan_after_write, object_types=PLAN_SOURCES)
        # Point 2: the start page of care roles is their day list; of planners their teams' day.
        start_panel_register(
            StartPanel(
                key="day_list",
                permission=Permission.VISIT_DELIVER,
                template="visits/_day.html",
                order=10,
                load=views.start_panel,
            )
        )
        start_panel_register(
            StartPanel(
                key="team_day",
                permission=Permission.VISIT_PLAN,
                template="visits/_team_start.html",
                order=20,
                load=views.team_start_panel,
            )
        )
        # Three months of visit history and the next 14 days (after the care chain, order 30).
        stream_register("visits", order=40, generate=visits_demo_stream)

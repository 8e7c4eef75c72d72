from django.apps import AppConfig


class CarePlansConfig(AppConfig):
    name = "sammen.care_plans"
    label = "care_plans"
    verbose_name = "Visitation og plan"

    def ready(self) -> None:
        from sammen.access.policy import care_relation_register
        from sammen.care_plans.demo import care_plans_demo_stream
        from sammen.care_plans.selectors import care_plan_section_load, provider_citizens
        from sammen.citizens.sections import CitizenSection, section_register
        from sammen.core.demo_streams import stream_register

        # Access point 7: a granted service's provider unit has a care relation for the
        # service's period (the policy's provider hook).
        care_relation_register(provider_citizens)
        section_register(
            CitizenSection(
                key="care_plan",
                title="Plan og indsatser",
                template="care_plans/_section.html",
                order=20,
                load=care_plan_section_load,
            )
        )
        # Visitation histories after the journal's (order 20) in the demo municipality.
        stream_register("care_plans", order=30, generate=care_plans_demo_stream)

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "sammen.journal"
    label = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from sammen.access.sealing import TimeStream, time_stream_register
        from sammen.citizens.sections import CitizenSection, section_register
        from sammen.core.demo_streams import stream_register
        from sammen.core.refcache import reference_tables_register
        from sammen.journal.demo import journal_demo_stream
        from sammen.journal.models import Area, Entry, Template
        from sammen.journal.selectors import journal_section_load

        # Every journal entry is sealed too: a rewritten note is found even without triggers.
        time_stream_register(TimeStream(name="journal", model=Entry, time_field="created_at"))

        # Areas and templates are cached per process by the version loaded.
        reference_tables_register(Area, Template)

        section_register(
            CitizenSection(
                key="journal",
                title="Journal (borgerblik)",
                template="journal/_section.html",
                order=10,
                load=journal_section_load,
            )
        )
        stream_register("journal", order=20, generate=journal_demo_stream)

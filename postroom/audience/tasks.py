from huey.contrib.djhuey import db_task

from postroom.audience.imports.engine import import_run


@db_task()
def import_process(import_id: int) -> None:
    import_run(import_id=import_id)

"""The model build (and deploy) pipeline of project {{ project_name }}."""

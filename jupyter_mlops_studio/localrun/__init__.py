"""Local training and serving in the SageMaker container layout, without Docker."""

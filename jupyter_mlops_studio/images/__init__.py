"""Image builds from a space: CodeBuild/ECR or a local engine, build records, streamed logs, a
cache by context digest, and checks of the SageMaker container layout."""

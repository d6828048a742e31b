"""AppSync GraphQL APIs answered locally: POST {endpoint}/_ws/appsync/{api_id}/graphql runs the
query with graphql-core against the deployed schema, each field through its resolver's data
source (Lambda, DynamoDB through VTL templates, NONE)."""

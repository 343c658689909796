import { GraphQLScalarType } from 'graphql';

/** Output-only: a JSON object such as an alert's figures. */
export const GraphQLJSONObject = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object',
  serialize: (value) => value,
});

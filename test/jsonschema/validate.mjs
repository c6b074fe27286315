// Validates one JSON instance against one JSON Schema (draft 2020-12) with Ajv in strict mode.
// Usage: node validate.mjs SCHEMA.json INSTANCE.json
// Exit codes: 0 valid; 1 invalid (errors on stderr); 2 usage, I/O or schema compilation error.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

if (process.argv.length !== 4) {
  console.error("usage: node validate.mjs SCHEMA.json INSTANCE.json");
  process.exit(2);
}

let schema, instance, validate;
try {
  schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
  instance = JSON.parse(readFileSync(process.argv[3], "utf8"));
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  validate = ajv.compile(schema);
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(2);
}

if (validate(instance)) {
  console.log("valid");
  process.exit(0);
}

for (const err of validate.errors) {
  console.error(`${err.instancePath || "/"} ${err.message} ${JSON.stringify(err.params)}`);
}
process.exit(1);

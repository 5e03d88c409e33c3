// In-page JSON Schema checks for the docs console: the keywords the docs page renders, so a
// user sees a violation before sending. Not a full validator: `unsupported(schema)` names the
// keywords a schema uses beyond these, and the page says the check is partial. The server
// remains the judge ("Send anyway").
"use strict";
(function (root) {
  const CHECKED = new Set([
    "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
    "items", "additionalItems", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "pattern", "minProperties", "maxProperties", "allOf", "anyOf", "oneOf", "not",
    "if", "then", "else", "nullable", "$ref", "format",
  ]);
  // Annotations: they never reject a value.
  const ANNOTATIONS = new Set([
    "title", "description", "examples", "example", "default", "$schema", "$id", "$comment",
    "readOnly", "writeOnly", "deprecated", "definitions", "$defs", "externalDocs", "discriminator",
    "contentEncoding", "contentMediaType", "x-socketio-args", "xml",
  ]);
  const FORMATS = {
    "date-time": (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !isNaN(Date.parse(s)),
    date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
    email: (s) => /^[^\s@]+@[^\s@]+$/.test(s),
    uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
    uri: (s) => /^[a-z][a-z0-9+.-]*:/i.test(s),
    ipv4: (s) => /^(\d{1,3})(\.\d{1,3}){3}$/.test(s) && s.split(".").every((p) => Number(p) <= 255),
  };

  function typeOf(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v; // string, boolean, object
  }

  function hasType(v, t) {
    const actual = typeOf(v);
    return actual === t || (t === "number" && actual === "integer");
  }

  function equal(a, b) {
    if (a === b) return true;
    if (typeOf(a) !== typeOf(b) && !(typeof a === "number" && typeof b === "number")) return false;
    if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
    if (a && typeof a === "object") {
      const ka = Object.keys(a), kb = Object.keys(b);
      return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
    }
    return false;
  }

  function resolve(ref, documentRoot) {
    if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
    let node = documentRoot;
    for (const raw of ref.slice(1).split("/").slice(1)) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      if (node === null || typeof node !== "object" || !(key in node)) return undefined;
      node = node[key];
    }
    return node;
  }

  const show = (v) => {
    const text = JSON.stringify(v);
    return text && text.length > 60 ? text.slice(0, 57) + "..." : text;
  };

  /** Violations of `value` against `schema`: [{ path, message }]. */
  function check(schema, value, documentRoot, path = "", depth = 0) {
    const out = [];
    if (schema === true || schema === undefined || schema === null) return out;
    if (schema === false) return [{ path, message: "no value is allowed here" }];
    if (typeof schema !== "object" || depth > 64) return out;
    const fail = (message) => out.push({ path, message });
    if (schema.$ref !== undefined) {
      const target = resolve(schema.$ref, documentRoot);
      if (target !== undefined) out.push(...check(target, value, documentRoot, path, depth + 1));
    }
    if (schema.nullable === true && value === null) return out;
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => hasType(value, t))) {
        fail(`${show(value)} is not of type ${types.map((t) => JSON.stringify(t)).join(" or ")}`);
        return out;
      }
    }
    if (schema.enum !== undefined && !schema.enum.some((e) => equal(e, value))) {
      fail(`${show(value)} is not one of ${show(schema.enum)}`);
    }
    if (schema.const !== undefined && !equal(schema.const, value)) fail(`${show(schema.const)} was expected`);
    if (typeof value === "number") {
      if (typeof schema.minimum === "number") {
        if (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum) fail(`${value} is less than the minimum of ${schema.minimum}`);
      }
      if (typeof schema.maximum === "number") {
        if (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum) fail(`${value} is greater than the maximum of ${schema.maximum}`);
      }
      if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) fail(`${value} is not greater than ${schema.exclusiveMinimum}`);
      if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) fail(`${value} is not less than ${schema.exclusiveMaximum}`);
      if (typeof schema.multipleOf === "number" && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) fail(`${value} is not a multiple of ${schema.multipleOf}`);
    }
    if (typeof value === "string") {
      const length = [...value].length;
      if (typeof schema.minLength === "number" && length < schema.minLength) fail(`${show(value)} is shorter than ${schema.minLength} character${schema.minLength === 1 ? "" : "s"}`);
      if (typeof schema.maxLength === "number" && length > schema.maxLength) fail(`${show(value)} is longer than ${schema.maxLength} character${schema.maxLength === 1 ? "" : "s"}`);
      if (typeof schema.pattern === "string") {
        let re = null;
        try { re = new RegExp(schema.pattern, "u"); } catch (e) { re = null; }
        if (re && !re.test(value)) fail(`${show(value)} does not match ${show(schema.pattern)}`);
      }
      if (typeof schema.format === "string" && FORMATS[schema.format] && !FORMATS[schema.format](value)) fail(`${show(value)} is not a "${schema.format}"`);
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === "number" && value.length < schema.minItems) fail(`has fewer than ${schema.minItems} items`);
      if (typeof schema.maxItems === "number" && value.length > schema.maxItems) fail(`has more than ${schema.maxItems} items`);
      if (schema.uniqueItems === true && value.some((x, i) => value.slice(0, i).some((y) => equal(x, y)))) fail("has non-unique items");
      let tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : null;
      const rest = tuple ? (Array.isArray(schema.items) ? schema.additionalItems : schema.items) : schema.items;
      value.forEach((item, i) => {
        const sub = tuple && i < tuple.length ? tuple[i] : tuple ? rest : schema.items;
        if (sub !== undefined) out.push(...check(sub, item, documentRoot, `${path}/${i}`, depth + 1));
      });
      if (schema.contains !== undefined && !value.some((item) => check(schema.contains, item, documentRoot, path, depth + 1).length === 0)) fail("contains no matching item");
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      for (const name of schema.required || []) {
        if (!keys.includes(name)) fail(`"${name}" is a required property`);
      }
      if (typeof schema.minProperties === "number" && keys.length < schema.minProperties) fail(`has fewer than ${schema.minProperties} properties`);
      if (typeof schema.maxProperties === "number" && keys.length > schema.maxProperties) fail(`has more than ${schema.maxProperties} properties`);
      const props = schema.properties || {};
      const patterns = Object.entries(schema.patternProperties || {}).map(([p, s]) => {
        try { return [new RegExp(p, "u"), s]; } catch (e) { return [null, s]; }
      });
      for (const key of keys) {
        const at = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        let matched = false;
        if (Object.prototype.hasOwnProperty.call(props, key)) {
          matched = true;
          out.push(...check(props[key], value[key], documentRoot, at, depth + 1));
        }
        for (const [re, sub] of patterns) {
          if (re && re.test(key)) {
            matched = true;
            out.push(...check(sub, value[key], documentRoot, at, depth + 1));
          }
        }
        if (!matched && schema.additionalProperties !== undefined) {
          if (schema.additionalProperties === false) out.push({ path: at, message: `additional property "${key}" is not allowed` });
          else out.push(...check(schema.additionalProperties, value[key], documentRoot, at, depth + 1));
        }
      }
    }
    for (const sub of schema.allOf || []) out.push(...check(sub, value, documentRoot, path, depth + 1));
    if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => check(s, value, documentRoot, path, depth + 1).length === 0)) fail("matches none of the anyOf alternatives");
    if (Array.isArray(schema.oneOf)) {
      const n = schema.oneOf.filter((s) => check(s, value, documentRoot, path, depth + 1).length === 0).length;
      if (n !== 1) fail(n === 0 ? "matches none of the oneOf alternatives" : `matches ${n} of the oneOf alternatives (exactly one is allowed)`);
    }
    if (schema.not !== undefined && check(schema.not, value, documentRoot, path, depth + 1).length === 0) fail("matches a schema it must not match");
    if (schema.if !== undefined) {
      const branch = check(schema.if, value, documentRoot, path, depth + 1).length === 0 ? schema.then : schema.else;
      if (branch !== undefined) out.push(...check(branch, value, documentRoot, path, depth + 1));
    }
    return out;
  }

  /** Keywords of `schema` (and its subschemas) that the page does not check, sorted. */
  function unsupported(schema, documentRoot) {
    const found = new Set();
    const seen = new Set();
    const walk = (s) => {
      if (!s || typeof s !== "object" || seen.has(s)) return;
      seen.add(s);
      if (Array.isArray(s)) return s.forEach(walk);
      for (const [key, sub] of Object.entries(s)) {
        if (key.startsWith("x-")) continue;
        if (!CHECKED.has(key) && !ANNOTATIONS.has(key)) found.add(key);
        if (key === "format" && typeof sub === "string" && !FORMATS[sub]) found.add(`format: ${sub}`);
        if (["properties", "patternProperties", "definitions", "$defs"].includes(key) && sub && typeof sub === "object") Object.values(sub).forEach(walk);
        else if (["items", "additionalItems", "prefixItems", "additionalProperties", "contains", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"].includes(key)) walk(sub);
        else if (key === "$ref") walk(resolve(sub, documentRoot));
      }
    };
    walk(schema);
    return [...found].sort();
  }

  /**
   * Checks a Socket.IO argument list against an event's schema: one argument (`spread`
   * false) or the whole list (`spread` true). `schema` null accepts anything.
   */
  function checkArguments(schema, spread, args, documentRoot) {
    if (schema === null || schema === undefined) return [];
    if (spread) return check(schema, args, documentRoot);
    if (args.length !== 1) return [{ path: "", message: `exactly one argument was expected, got ${args.length}` }];
    return check(schema, args[0], documentRoot);
  }

  root.AsynctionSchemaCheck = { check, checkArguments, unsupported };
})(window);

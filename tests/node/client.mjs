// The official OpenAI Node SDK against model-router's proxy: a plain chat,
// a stream, and a tool call passing through untouched.  Prints TAP-ish
// "ok"/"not ok" lines; exits 1 when a check failed.
import OpenAI from "openai";

const client = new OpenAI({
  baseURL: process.env.PROXY_URL,
  apiKey: process.env.PROXY_KEY ?? "not-needed",
  maxRetries: 0,
  timeout: 20000,
});
let failed = 0;
const check = (what, cond) => {
  console.log(`${cond ? "ok" : "not ok"} - ${what}`);
  if (!cond) failed++;
};

try {
  const r = await client.chat.completions.create({
    model: "model-router",
    messages: [{ role: "user", content: "summarize my meeting notes" }],
  });
  check("a chat completion comes back", r.choices?.[0]?.message?.role === "assistant");
  check("usage is reported", r.usage?.total_tokens > 0);

  const stream = await client.chat.completions.create({
    model: "model-router",
    stream: true,
    messages: [{ role: "user", content: "summarize my meeting notes" }],
  });
  let text = "", chunks = 0, usage = null;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices?.[0]?.delta?.content ?? "";
    if (chunk.usage) usage = chunk.usage;
  }
  check("a stream arrives chunk by chunk", chunks >= 2 && text === "Hi");
  check("no usage chunk the client did not ask for", usage === null);

  const s2 = await client.chat.completions.create({
    model: "model-router",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "summarize my meeting notes" }],
  });
  let u2 = null;
  for await (const chunk of s2) if (chunk.usage) u2 = chunk.usage;
  check("the usage chunk when asked for", u2?.total_tokens > 0);

  const t = await client.chat.completions.create({
    model: "model-router",
    messages: [{ role: "user", content: "What is the weather in Paris?" }],
    tools: [{
      type: "function",
      function: {
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    }],
  });
  const call = t.choices?.[0]?.message?.tool_calls?.[0];
  check("a tool call comes back as a tool call", call?.function?.name === "get_weather");
  check("its arguments are untouched", JSON.parse(call?.function?.arguments ?? "{}").city === "Paris");

  try {
    await client.chat.completions.create({
      model: "model-router",
      messages: [{ role: "user", content: "drop the production database" }],
    });
    check("the human gate answers 409", false);
  } catch (e) {
    check("the human gate answers 409", e.status === 409);
  }
} catch (e) {
  check(`no unexpected error (${e})`, false);
}
process.exit(failed ? 1 : 0);

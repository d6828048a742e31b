// A stand-in for the aws-cdk CLI: `node fakecdk.js synth --output DIR [--context k=v]...`
// writes the cloud assembly described by assembly.json in the app folder (cwd), counts its runs
// in ../../synth-count.txt, and fails like a broken app when fail.txt exists.
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
fs.appendFileSync(path.join('..', '..', 'synth-count.txt'), 'x');  // outside the app
if (fs.existsSync('fail.txt')) {
  console.error('line one\nTSError: lib/app.ts(3,1): error TS2304: Cannot find name oops');
  process.exit(1);
}
const out = args[args.indexOf('--output') + 1];
const context = {};
args.forEach((a, i) => { if (a === '--context') { const [k, v] = args[i + 1].split('='); context[k] = v; } });
const spec = JSON.parse(fs.readFileSync('assembly.json', 'utf8'));
fs.mkdirSync(out, { recursive: true });
const artifacts = {};
for (const [id, stack] of Object.entries(spec.stacks)) {
  const body = JSON.stringify(stack.template).split('CONTEXT_LABEL').join(context.label || 'none');
  fs.writeFileSync(path.join(out, `${id}.template.json`), body);
  const deps = [...(stack.dependencies || [])];
  if (stack.assets) {
    fs.writeFileSync(path.join(out, `${id}.assets.json`), JSON.stringify(stack.assets));
    artifacts[`${id}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${id}.assets.json` } };
    deps.push(`${id}.assets`);
  }
  artifacts[id] = { type: 'aws:cloudformation:stack', properties: { templateFile: `${id}.template.json` },
                    dependencies: deps, metadata: stack.metadata || {} };
}
for (const [name, text] of Object.entries(spec.files || {})) {
  fs.mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
  fs.writeFileSync(path.join(out, name), text);
}
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '38.0.1', artifacts }));
fs.writeFileSync(path.join(out, 'env.json'), JSON.stringify({
  account: process.env.CDK_DEFAULT_ACCOUNT || null, region: process.env.CDK_DEFAULT_REGION,
  key: process.env.AWS_ACCESS_KEY_ID || null }));

// Drives sixhave with the unmodified frappe-js-sdk. Arguments: base URL, api key, api secret,
// user, password. Prints one line per step; exits non-zero on the first failed expectation.
const assert = require('node:assert/strict');
const { FrappeApp } = require('frappe-js-sdk');

const [url, key, secret, user, password] = process.argv.slice(2);

async function expectError(promise, status, excType) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.httpStatus, status, JSON.stringify(error));
    if (excType) assert.equal(error.exc_type, excType, JSON.stringify(error));
    return error;
  }
  assert.fail(`expected HTTP ${status}`);
}

async function main() {
  const app = new FrappeApp(url, { useToken: true, token: () => `${key}:${secret}`, type: 'token' });
  const db = app.db();
  const call = app.call();
  const auth = app.auth();

  assert.equal(await auth.getLoggedInUser(), user);
  console.log('token login ok');

  const login = await new FrappeApp(url).auth().loginWithUsernamePassword({ username: user, password });
  assert.equal(login.message, 'Logged In');
  console.log('password login ok');
  await expectError(new FrappeApp(url).auth().loginWithUsernamePassword({ username: user, password: 'wrong' }), 401, 'AuthenticationError');
  console.log('wrong password ok');
  await expectError(new FrappeApp(url).db().getDocList('Test Note'), 403);
  console.log('no auth ok');

  const tag = `js-${Date.now()}`;
  const created = [];
  for (const [i, qty] of [3, 1, 5].entries()) {
    const doc = await db.createDoc('Test Note', { title: `${tag}-${i}`, qty, details: tag, items: [{ item: '茶叶', qty }] });
    assert.equal(doc.title, `${tag}-${i}`);
    assert.equal(doc.items[0].item, '茶叶');
    created.push(doc);
  }
  console.log('create ok');

  const list = await db.getDocList('Test Note', {
    fields: ['name', 'title', 'qty'], filters: [['details', '=', tag], ['qty', '>', 1]],
    orderBy: { field: 'qty', order: 'desc' }, limit: 10,
  });
  assert.deepEqual(list.map((d) => d.qty), [5, 3]);
  const page = await db.getDocList('Test Note', { fields: ['qty'], filters: [['details', '=', tag]], orderBy: { field: 'qty' }, limit: 1, limit_start: 1 });
  assert.deepEqual(page.map((d) => d.qty), [3]);
  const asLists = await db.getDocList('Test Note', { fields: ['qty'], filters: [['details', '=', tag]], orderBy: { field: 'qty' }, asDict: false });
  assert.deepEqual(asLists, [[1], [3], [5]]);
  console.log('list ok');

  const one = await db.getDoc('Test Note', created[0].name);
  assert.equal(one.qty, 3);
  const updated = await db.updateDoc('Test Note', created[0].name, { qty: 4 });
  assert.equal(updated.qty, 4);
  console.log('get/update ok');

  assert.equal(await db.getCount('Test Note', [['details', '=', tag]]), 3);
  const value = await db.getValue('Test Note', 'qty', [['name', '=', created[1].name]]);
  assert.equal(value.message.qty, 1);
  console.log('count/value ok');

  const pong = await call.get('frappe.ping');
  assert.equal(pong.message, 'pong');
  const counted = await call.post('frappe.client.get_count', { doctype: 'Test Note', filters: [['details', '=', tag]] });
  assert.equal(counted.message, 3);
  console.log('call ok');

  const invoice = await db.createDoc('Test Invoice', { customer: '市老干部局' });
  const submitted = await db.submit(invoice);
  assert.equal(submitted.docstatus, 1);
  await db.cancel('Test Invoice', invoice.name);
  assert.equal((await db.getDoc('Test Invoice', invoice.name)).docstatus, 2);
  console.log('submit/cancel ok');

  const mandatory = await expectError(db.createDoc('Test Note', { qty: 1 }), 417, 'MandatoryError');
  assert.ok(mandatory.exception || mandatory._server_messages);
  await expectError(db.getDoc('Test Note', 'no-such-note'), 404, 'DoesNotExistError');
  console.log('errors ok');

  for (const doc of created) await db.deleteDoc('Test Note', doc.name);
  await expectError(db.getDoc('Test Note', created[0].name), 404);
  console.log('delete ok');
}

main().then(() => console.log('ALL OK'), (error) => { console.error(error); process.exit(1); });

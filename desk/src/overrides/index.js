// Form overrides: a DocType whose form the domain needs to see differently registers a component
// here (loaded on demand, built from the same field components). The engine's forms stay generic.
const OVERRIDES = {
  'Self Assessment': () => import('./SelfAssessmentForm.vue'),
}

export async function overrideFor(doctype) {
  const load = OVERRIDES[doctype]
  return load ? (await load()).default : null
}

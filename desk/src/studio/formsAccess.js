// Which studio tools the signed-in user may open (sixhave.customize.access), asked once per
// user; the menu shows only these, and every server call checks again.
import { computed, ref } from 'vue'
import { api } from '../api/client'
import { useSession } from '../stores/session'

const answers = ref({}) // user → access
const pending = {}

export function useStudioAccess() {
  const session = useSession()
  return computed(() => {
    const user = session.user
    if (!user) return {}
    if (!(user in answers.value) && !pending[user]) {
      pending[user] = api.get('sixhave.customize.access')
        .then((a) => { answers.value = { ...answers.value, [user]: a } })
        .catch(() => { answers.value = { ...answers.value, [user]: {} } })
        .finally(() => { delete pending[user] })
    }
    return answers.value[user] || {}
  })
}

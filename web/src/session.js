// Who is logged in: loaded once from GET /auth/me, updated by login/logout.
import { reactive } from 'vue';
import { api, ApiError } from './api.js';

export const session = reactive({ user: null, loaded: false });

export async function loadSession() {
  try {
    const data = await api.me();
    session.user = (data && data.user) || null;
  } catch (e) {
    // 401 simply means "not logged in"; other failures leave the header in its
    // logged-out state rather than blocking the public catalog.
    if (!(e instanceof ApiError) || e.status !== 401) console.warn('auth/me failed:', e);
    session.user = null;
  } finally {
    session.loaded = true;
  }
}

export async function login(username, password) {
  const data = await api.login(username, password);
  session.user = (data && data.user) || null;
  if (!session.user) await loadSession();
  return session.user;
}

export async function logout() {
  try {
    await api.logout();
  } finally {
    session.user = null;
  }
}

export const ROLE_LABELS = {
  policy_officer: '政策主管部门经办人',
  reviewer: '联审部门审核人',
  finance_officer: '财政部门经办人',
  leader: '领导',
  sysadmin: '系统管理员',
  secadmin: '安全管理员',
  auditadmin: '审计管理员',
  enterprise: '企业用户',
};

export function displayName(user) {
  if (!user) return '';
  return user.display_name || user.username || '';
}

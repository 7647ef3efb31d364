import { createRouter, createWebHistory } from 'vue-router';
import CatalogView from './views/CatalogView.vue';
import { PRODUCT_NAME } from './constants.js';

const routes = [
  // "/" and "/policies" are the same page (an alias keeps the view mounted between them).
  { path: '/policies', alias: '/', name: 'catalog', component: CatalogView, meta: { title: '政策清单' } },
  {
    path: '/policies/:id',
    name: 'policy',
    component: () => import('./views/PolicyDetailView.vue'),
    meta: { title: '政策详情' },
  },
  {
    path: '/matches',
    name: 'matches',
    component: () => import('./views/MatchesView.vue'),
    meta: { title: '政策匹配' },
  },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: '登录' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior(to, from, saved) {
    if (saved) return saved;
    if (to.path === from.path) return false; // query changes on the catalog keep the position
    return { top: 0 };
  },
});

router.afterEach((to) => {
  setTitle(to.meta.title);
});

/** Sets the document title as "<page> - 直达·泉州惠企政策直达平台". */
export function setTitle(page) {
  document.title = page ? `${page} - ${PRODUCT_NAME}` : PRODUCT_NAME;
}

import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { loadSession } from './session.js';
// Styles of components used only through functions (not templates).
import 'element-plus/es/components/message/style/css';
import './styles/base.css';

loadSession();
createApp(App).use(router).mount('#app');

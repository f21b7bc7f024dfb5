import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pageFor } from './pages/registry';
import { useGallery } from './stores/gallery-store';
import { useNav } from './stores/nav-store';
import { StartupGate } from './startup/StartupGate';
import './styles.css';

// Opened on the gallery: its first page is asked for now, while React draws the shell, not after.
if (pageFor(useNav.getState().requested).id === 'gallery') void useGallery.getState().reload();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StartupGate />
  </StrictMode>,
);

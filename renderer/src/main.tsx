import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StartupGate } from './startup/StartupGate';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StartupGate />
  </StrictMode>,
);

import { useEffect, useState, type ReactNode } from 'react';
import type { DropInspectorApi } from '../shared/api';
import { StoreProvider, useApp } from './state/context';
import { createAppStore } from './state/store';
import type { ViewId } from './state/app-state';
import { HeaderBar } from './components/HeaderBar';
import { NavTabs } from './components/NavTabs';
import { ErrorBanner } from './components/ErrorBanner';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ScanProgressBar } from './components/ProgressBar';
import { useFolderDrop } from './components/useFolderDrop';
import { OpenView } from './views/OpenView';
import { OverviewView } from './views/OverviewView';
import { TimelineView } from './views/TimelineView';
import { ChunksView } from './views/ChunksView';
import { CoverageView } from './views/CoverageView';
import { ProblemsView } from './views/ProblemsView';
import { createTableStore } from './state/table-store';
import { TableStoreProvider, useTables } from './views/table/context';
import { TablesView } from './views/table/TablesView';
import { HelpPanel, useHelpKeys } from './components/HelpPanel';
import { JudgementPanel } from './components/JudgementPanel';

const VIEW_COMPONENTS: Record<ViewId, () => ReactNode> = {
  overview: OverviewView,
  timeline: TimelineView,
  chunks: ChunksView,
  coverage: CoverageView,
  problems: ProblemsView,
};

function Main() {
  const drop = useApp((s) => s.drop);
  const report = useApp((s) => s.report);
  const openScreen = useApp((s) => s.openScreen);
  const view = useApp((s) => s.view);
  const loading = useApp((s) => s.loadingReport);
  const scanning = useApp((s) => s.scanning);
  const rechecking = useApp((s) => s.rechecking);
  const tablesActive = useTables((s) => s.active);

  if (!drop || openScreen) {
    return (
      <main className="main main-open" id="main">
        <ErrorBoundary name="Open">
          <OpenView />
        </ErrorBoundary>
      </main>
    );
  }
  const View = VIEW_COMPONENTS[view];
  if (tablesActive) {
    return (
      <div className="body">
        <NavTabs />
        <main className="main main-tables" id="main">
          <div id="view-panel" role="tabpanel" aria-labelledby="tab-tables" className="view-panel" data-testid="view-tables">
            <ErrorBoundary name="tables">
              <TablesView />
            </ErrorBoundary>
          </div>
        </main>
      </div>
    );
  }
  return (
    <div className="body">
      <NavTabs />
      <main className="main" id="main">
        <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`} className="view-panel" data-testid={`view-${view}`} data-rechecking={rechecking || undefined}>
          {report ? (
            <ErrorBoundary name={view} resetKey={report}>
              <View />
            </ErrorBoundary>
          ) : (
            <p className="empty" data-testid="report-waiting">
              {loading || scanning ? 'Reading the drop… results appear as chunks are scanned.' : 'No report for this drop.'}
            </p>
          )}
        </div>
      </main>
    </div>
  );
}

function Shell({ children }: { children: ReactNode }) {
  useHelpKeys();
  const overlay = useApp((s) => s.overlay);
  const drop = useApp((s) => s.drop);
  return (
    <div className="app">
      {children}
      {overlay === 'help' ? <HelpPanel /> : null}
      {overlay === 'settings' && drop ? <JudgementPanel /> : null}
    </div>
  );
}

export function App({ api }: { api: DropInspectorApi }) {
  const [store] = useState(() => createAppStore(api));
  const [tables] = useState(() => createTableStore(api, store));
  useEffect(() => store.getState().init(), [store]);
  useEffect(() => tables.getState().init(), [tables]);
  const dragging = useFolderDrop(store);
  return (
    <StoreProvider store={store}>
      <TableStoreProvider store={tables}>
        <Shell>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <HeaderBar />
          <ScanProgressBar />
          <ErrorBanner />
          <ErrorBoundary name="main">
            <Main />
          </ErrorBoundary>
          {dragging ? (
            <div className="drag-overlay" aria-hidden="true">
              Drop the folder to open it
            </div>
          ) : null}
        </Shell>
      </TableStoreProvider>
    </StoreProvider>
  );
}

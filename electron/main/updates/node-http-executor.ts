import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import type { RequestOptions } from 'node:http';
import type { AppUpdater } from 'electron-updater';

/**
 * electron-updater's HTTP layer on Node's http/https instead of Electron's `net`.
 * The app keeps electron-updater's own executor (it follows the system proxy through
 * Chromium's network stack); this one lets the same AppUpdater code (feed parsing,
 * version choice, download, SHA-512 verification, the update cache) run under Node,
 * where the tests drive it against a real feed on loopback. `download` is the same
 * sequence as electron-updater's ElectronHttpExecutor.download.
 */
export class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  async download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error == null ? resolve(destination) : reject(error)),
          responseHandler: null,
        },
        0,
      );
    });
  }

  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return (options.protocol === 'http:' ? http : https).request(options, callback);
  }
}

/**
 * Points an AppUpdater constructed with an app adapter at Node's HTTP. `httpExecutor` is
 * electron-updater's internal field (left out of its typings; its own test suite sets it
 * the same way); an adapter-built updater has none until one is given.
 */
export function useNodeHttp(updater: AppUpdater): void {
  (updater as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = new NodeHttpExecutor();
}

package com.acme.federation;

import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.FitIns;

/** The application's client: trains on 100 local examples (here: returns the model unchanged). */
public class Trainer implements FederatedClient {

    @Override
    public FitRes fit(FitIns ins) {
        return FitRes.newBuilder().setParameters(ins.getParameters()).setNumExamples(100).build();
    }
}
